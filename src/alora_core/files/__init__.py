"""Files: uploads (images and PDF) with their owner; the bytes live behind a storage port."""
