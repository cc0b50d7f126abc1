"""URL samples of the coordination side (merged by url_samples.py)."""
