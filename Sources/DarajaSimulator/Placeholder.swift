// Placeholder: the DarajaSimulator module is being built.
