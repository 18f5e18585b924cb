// Placeholder: the CallbackStore module is being built.
