// Placeholder: the ServiceKit module is being built.
