"""skbp: scikit-learn estimators on a backpropagation core written in numpy and scipy."""

from ._classifier import BackpropClassifier
from ._display import LossCurveDisplay
from ._regressor import BackpropRegressor

__all__ = ["BackpropClassifier", "BackpropRegressor", "LossCurveDisplay"]
__version__ = "0.3.0"
