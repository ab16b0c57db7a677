"""Sources: where data comes from (log streams now; tables, databases and dumps later)."""
