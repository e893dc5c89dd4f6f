"""The booking context in memory: one module per part of src/alora_core/booking."""
