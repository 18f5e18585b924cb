// Placeholder: the PostgresClient module is being built.
