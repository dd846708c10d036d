"""The only package that imports SpiffWorkflow; it hands plain values to the rest of the engine."""
