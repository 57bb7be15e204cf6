"""Turning runs into answers: comparisons, explanations, backtests, sensitivity, scenario discovery."""
