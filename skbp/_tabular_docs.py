"""The tabular estimators' docstrings, built from named sections.

Each section is a template for ``str.format``: ``{kind}`` is 'Classifier' or
'Regressor', ``{activation}`` and ``{bins}`` its defaults, and the task's
own parameters and attributes go where ``{task_parameters}`` and
``{task_attributes}`` stand. Literal braces are doubled.
"""

# What the estimator is, before its parameters.
INTRO = """{kind} for tables: a raw DataFrame in, preprocessing and a network inside.

    A :class:`~skbp.TabularPreprocessor` (median imputation with missing-value
    indicators, robust scaling and smooth clipping of numbers, one-hot
    categories) followed by a :class:`~skbp.Backprop{kind}`, fitted
    together, with defaults chosen for tabular data (the "Tabular data"
    page of the user guide explains the recipe and how the defaults were
    chosen). Numeric, boolean, categorical, object and string columns and
    missing values need no preparation; plain arrays work too. Every
    ingredient is a parameter below, and can be switched off.

    It takes scikit-learn's callbacks (``set_callbacks``): each epoch is a
    subtask of the fit, and callbacks see this estimator and the data as
    given to ``fit``. :class:`~skbp.LossCurveDisplay` draws its curves.

"""

# The network's shape and its optimizer; then the task's own parameters.
NETWORK = """    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Units of each hidden layer.

    activation : str or sequence of str, default='{activation}'
        Hidden activation (any of :class:`~skbp.Backprop{kind}`'s).
{task_parameters}
    dropout : float or sequence of float, default=0.15
        Dropout rate of the hidden layers; 0 switches it off.

    alpha : float, default=0.0
        L2 penalty in the loss (see ``weight_decay`` for the decay used instead).

    weight_decay : float, default=0.01
        Decoupled weight decay (AdamW); 0 switches it off.

    batch_size : int, default=256
        Minibatch size, clipped to the number of training rows without a warning.

    learning_rate : str, default='cosine'
        Learning-rate schedule ('constant' switches schedules off).

    learning_rate_init : float, default=3e-3
        Adam's (peak) learning rate.

    warmup_fraction : float or None, default=0.05
        Share of the steps spent warming the rate up.

    beta_1, beta_2 : float, default=0.9, 0.95
        Adam's moment decay rates (a short second-moment memory, 0.95,
        follows large gradient changes early in training).

    max_iter : int, default=60
        Epochs of training.

"""

# Early stopping: the folds or hold-out, and what picks the kept epoch.
VALIDATION = """    early_stopping : bool, default=True
        Validate each network on rows it does not train on (a fold of
        ``cv``, the ``validation_fraction`` hold-out with ``cv=None``, or
        ``X_val``) and keep the weights of the epoch that scored best on
        them. The rows are held out of the table as given (stratified by
        class for a classifier), so that scorers see them as ``predict``
        does.

    cv : int, cross-validation splitter, iterable or None, default=3
        Cross-fitted ensemble: split the rows into folds and train one
        network per fold, early-stopped on that fold and trained on the
        others, so that every row is trained on and every row validates;
        predictions are the mean of the networks' (probabilities for a
        classifier). An int draws that many shuffled folds (stratified by
        class for a classifier, seeded by ``random_state``); a splitter
        (``KFold(...)``) or an iterable of (train, validation) index
        arrays gives them as scikit-learn's ``cv`` parameters do. Used
        with ``early_stopping`` when no ``X_val`` is given; None (or
        ``X_val``, or ``early_stopping=False``) trains one network, and so
        does an int ``cv`` that would leave a class out of some network's
        training rows (a class with fewer rows than folds); given folds
        that do are refused.

    validation_fraction : float, default=0.2
        Share held out when ``early_stopping``, ``cv=None`` and no
        ``X_val`` is given.

    n_iter_no_change : int or numpy.inf, default=numpy.inf
        Epochs without improvement before stopping; the default runs all
        ``max_iter`` epochs (the whole schedule) and keeps the best, without
        a ``ConvergenceWarning``.

    tol : float, default=0.0
        Improvement that counts, for ``n_iter_no_change``.

    scoring : str, callable or None, default=None
        What picks the kept epoch: the estimator's score, 'loss', or a
        scorer. A scorer is called on this estimator (not on its network)
        with the validation rows as given, raw columns and the target in its
        own units, so ``scoring='neg_mean_absolute_error'`` is in the
        target's units.

    max_grad_norm : float or None, default=None
        Gradient clipping by global norm; None does not clip.

"""

# What the TabularPreprocessor does to each column.
PREPROCESSING = """    scaling : {{'robust', 'standard'}} or None, default='robust'
        Scaling of numeric columns (see :class:`~skbp.TabularPreprocessor`).

    clip : float or None, default=3.0
        Bound of the smooth clipping of scaled numbers; None switches it off.

    bins : int or None, default={bins}
        Piecewise-linear encoding of each numeric column over this many
        quantile bins, beside its scaled value; None switches it off.

    max_categories : int, default=20
        Most one-hot columns per categorical column.

    target_encoding : bool, default=True
        With True, a categorical column with more than ``max_categories``
        categories is encoded by its categories' mean targets (shrunk towards
        the overall mean; per class for more than two classes) instead of
        pooling its rarer categories; the rows trained on are encoded
        cross-fitted, each from the targets of other rows. False pools them
        into an "other" column, as 0.6 did.

    id_columns : {{'drop', 'keep'}}, default='drop'
        What becomes of a column that looks like a row identifier (text
        with nearly one value per row, or distinct integers that nearly fill
        their range; see :class:`~skbp.TabularPreprocessor`): 'drop' leaves
        it out with a warning naming it, 'keep' treats it as any column.

    dtype : {{'float32', 'float64'}}, default='float32'
        Precision of the network; float32 trains about 1.6 times faster.
        float32 input always gives a float32 network.

"""

# Seeding, printing and continuing a fit.
RUN = """    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation, shuffling, dropout and validation split
        (or folds, and each network's own seed).

    verbose : bool, default=False
        Print a line per epoch.

    warm_start : bool, default=False
        When refitting, keep the fitted preprocessing (and target scaling)
        and continue training each fitted network, its optimizer state
        included, for ``max_iter`` more epochs, on the folds drawn anew;
        a finished learning-rate schedule starts again. The columns and
        classes must be those of the first fit.

"""

# The fitted attributes, the training record among them.
ATTRIBUTES = """    Attributes
    ----------
    preprocessor_ : TabularPreprocessor
        The fitted preprocessing.

    network_ : Backprop{kind}
        The fitted network that predicts, on the preprocessed columns: the
        single network, or, with several in ``networks_``, the first one
        (its training record below) made to predict the mean of all of
        them (its ``coefs_`` then raise: each network's are in
        ``networks_``).

    networks_ : list of Backprop{kind}
        Every network trained, one per fold of ``cv`` (one without it),
        each with its own weights and training record.
{task_attributes}
    The training record below is the first network's (``networks_[i]``
    has each one's).

    loss_ : float
        The training loss of the last epoch.

    loss_curve_ : list of float
        The training loss per epoch.

    best_loss_ : float or None
        The lowest training loss seen, or None with early stopping.

    n_iter_ : int
        Epochs run by the last fit (``loss_curve_`` covers all of them
        with ``warm_start``).

    validation_scores_ : list of float or None
        The score on the validation rows after each epoch (the
        ``scoring`` scorer's, on this estimator), or None without
        validation.

    validation_loss_curve_ : list of float or None
        The loss on the validation rows after each epoch, as the network
        computes it (on the standardised target for a regressor with
        ``scale_target``), or None without validation.

    best_validation_score_ : float or None
        The best of ``validation_scores_``.

    best_iteration_ : int or None
        The epoch (1-based) whose weights were kept, or None without early
        stopping.

    n_features_in_ : int
        Number of columns seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during fit, when X had string column names.
"""

SECTIONS = (INTRO, NETWORK, VALIDATION, PREPROCESSING, RUN, ATTRIBUTES)


def tabular(kind, activation, bins, task_parameters, task_attributes):
    """The docstring of a tabular estimator (kind: 'Classifier' or 'Regressor')."""
    values = {
        "kind": kind,
        "activation": activation,
        "bins": bins,
        "task_parameters": task_parameters,
        "task_attributes": task_attributes,
    }
    return "".join(section.format(**values) for section in SECTIONS)


TABULAR_CLASSIFIER = tabular(
    "Classifier",
    "selu",
    16,
    """
    label_smoothing : float, default=0.0
        Label smoothing of the log-loss targets (0.1 before 0.7, whose
        temperature scaling calibrates the probabilities instead).

    class_weight : dict, list of dict, 'balanced' or None, default=None
        Class weights, as :class:`~skbp.BackpropClassifier` takes them.

    calibration : {'temperature'} or None, default='temperature'
        Temperature scaling: divide every network's logits by one
        ``temperature_`` T, fitted to minimise the log-loss of the
        validation rows (each row scored by the network that did not train
        on it). Probabilities change, predicted labels never do. None (or
        no validation rows) leaves T at 1.
""",
    """
    classes_ : ndarray or list of ndarray
        The class labels.

    temperature_ : float
        T, which divides the logits before the softmax or logistic link.
""",
)

TABULAR_REGRESSOR = tabular(
    "Regressor",
    "mish",
    16,
    """
    loss : str, default='squared_error'
        The regression loss (any of :class:`~skbp.BackpropRegressor`'s).

    quantile : float or sequence of float, default=0.5
        With ``loss='quantile'``, the quantile to predict, or several
        quantiles predicted at once by one network (``predict`` then
        returns one column per quantile, in increasing order, never
        crossing); see :class:`~skbp.BackpropRegressor`.

    scale_target : bool, default=True
        Train on the standardised target (its weighted mean and standard
        deviation), and map predictions back; not with ``loss='poisson'``.
""",
    """
    target_mean_, target_scale_ : ndarray or float
        The target's (weighted) mean and standard deviation used for
        ``scale_target`` (0 and 1 without it).

    quantiles_ : ndarray or None
        With several quantiles, their values in increasing order: column j
        of ``predict`` estimates ``quantiles_[j]``. None otherwise.
""",
)
