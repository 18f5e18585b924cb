// Placeholder: the EventHTTP module is being built.
