"""Work handed on after commit: scoring jobs, webhooks, and the sweeper behind them."""
