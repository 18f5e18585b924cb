// Placeholder: the MpesaCore module is being built.
