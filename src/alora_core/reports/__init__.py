"""Reports: figures about Alora's activity, made on a schedule and emailed to administrators."""
