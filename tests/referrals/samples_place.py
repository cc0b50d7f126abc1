"""URL samples of the place side (merged by url_samples.py)."""
