"""skbp's estimators in ONNX, through skl2onnx (the ``onnx`` extra).

skl2onnx converts the models whose classes it has been taught:
:func:`register` teaches it skbp's, each with its parser, shape calculator
and converter. ``import skbp`` arranges for that to happen as soon as
skl2onnx is imported (at once, if it already is), so that
``skl2onnx.to_onnx(model, X)`` simply works, and skbp's own import does not
pay for skl2onnx's when nobody converts.
"""

import importlib.abc
import importlib.util
import sys


def register():
    """Register skbp's estimators (and TabularPreprocessor) with skl2onnx."""
    from skl2onnx import update_registered_converter

    from .. import _classifier, _preprocess, _regressor, _tabular
    from . import estimators as e
    from . import preprocess as p

    # nocl: asked by skl2onnx's ZipMap; only its default (real class labels) is offered.
    zipmap = {"zipmap": [True, False, "columns"], "nocl": [False]}
    for cls in (_classifier.BackpropClassifier, _tabular.TabularClassifier):
        update_registered_converter(
            cls,
            f"Skbp{cls.__name__}",
            e.shape_classifier,
            e.convert_classifier,
            parser=e.parse_classifier,
            options=zipmap,
        )
    for cls in (_regressor.BackpropRegressor, _tabular.TabularRegressor):
        update_registered_converter(
            cls,
            f"Skbp{cls.__name__}",
            e.shape_regressor,
            e.convert_regressor,
            parser=e.parse_regressor,
        )
    update_registered_converter(
        _preprocess.TabularPreprocessor,
        "SkbpTabularPreprocessor",
        p.shape_preprocessor,
        p.convert_preprocessor,
        parser=p.parse_preprocessor,
    )
    p.extend_type_guessing()  # nullable, string, date and duration columns of a DataFrame


class _Loader(importlib.abc.Loader):
    """skl2onnx's own loader, which then registers skbp's estimators."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        register()

    def __getattr__(self, name):  # resources and the like: skl2onnx's loader answers
        return getattr(self._loader, name)


class _WhenImported(importlib.abc.MetaPathFinder):
    """Finds skl2onnx as the other finders do, with a loader that registers after loading."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "skl2onnx":
            return None
        sys.meta_path.remove(self)  # once is enough, and find_spec below must not find us
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def register_when_imported():
    """Register now if skl2onnx is imported, else as soon as it is."""
    if "skl2onnx" in sys.modules:
        register()
    elif importlib.util.find_spec("skl2onnx") is not None:
        sys.meta_path.insert(0, _WhenImported())
