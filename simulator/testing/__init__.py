"""Tools for testing scenarios and rules with hypothesis."""
