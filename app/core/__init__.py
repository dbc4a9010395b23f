"""Small building blocks shared by every area (time, money, masking, PII crypto)."""
