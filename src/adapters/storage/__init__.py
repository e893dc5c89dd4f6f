"""Storages for uploaded files' bytes (``alora_core.files.ports.FileStorage``): a folder on the
local file system (``local``) and an S3-compatible bucket (``s3``); and the content sniffer."""
