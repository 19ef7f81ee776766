"""Chart builders: a result or DataFrame in, a plotly Figure out (one module per area)."""
