"""A comment's life outside scoring and review: submitted, edited, published, erased."""
