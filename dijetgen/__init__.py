"""dijetgen: collision events to jets, feature tables and generative models."""
