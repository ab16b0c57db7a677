"""Classification of columns (and, with the scan issue, grading and reports)."""
