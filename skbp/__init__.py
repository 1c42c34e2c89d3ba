"""skbp: scikit-learn estimators on a backpropagation core written in numpy and scipy."""

from ._classifier import BackpropClassifier
from ._display import LossCurveDisplay
from ._inputs import ValidationDataWarning
from ._onnx import register_when_imported
from ._preprocess import TabularPreprocessor
from ._regressor import BackpropRegressor
from ._state import InconsistentVersionWarning
from ._tabular import TabularClassifier, TabularRegressor
from ._version import __version__ as __version__

register_when_imported()  # skl2onnx.to_onnx then knows skbp's estimators

__all__ = [
    "BackpropClassifier",
    "BackpropRegressor",
    "InconsistentVersionWarning",
    "LossCurveDisplay",
    "TabularClassifier",
    "TabularPreprocessor",
    "TabularRegressor",
    "ValidationDataWarning",
]
