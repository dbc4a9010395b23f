"""The housing stock and tenancies that rent, swap, renewal and staff build on."""
