"""The spam and toxicity models: data loaders, features, training, evaluation and scoring.

The worker only needs :func:`models.scoring.load_scorer`; everything else serves
``python -m models train|evaluate|score``. Importing this package is cheap: no
model is loaded until a scorer is asked for.
"""
