"""URL samples of the prescriber side (merged by url_samples.py)."""
