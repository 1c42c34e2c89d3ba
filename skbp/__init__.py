"""skbp: scikit-learn estimators on a backpropagation core written in numpy and scipy."""

from ._classifier import BackpropClassifier
from ._display import LossCurveDisplay
from ._preprocess import TabularPreprocessor
from ._regressor import BackpropRegressor
from ._tabular import TabularClassifier, TabularRegressor

__all__ = [
    "BackpropClassifier",
    "BackpropRegressor",
    "LossCurveDisplay",
    "TabularClassifier",
    "TabularPreprocessor",
    "TabularRegressor",
]
__version__ = "0.4.0"
