// Placeholder: the StkSender module is being built.
