"""Docstring sections shared by both estimators, written once.

Each piece is indented by four spaces, as it stands inside a class docstring.
"""

PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer. An
        empty tuple gives a network with no hidden layer (a generalised
        linear model).

    activation : str or sequence of str, default='relu'
        Activation of the hidden units, one name for every hidden layer or
        a sequence with one per hidden layer: 'identity' ``z``, 'logistic'
        ``1 / (1 + exp(-z))``, 'tanh', 'relu' ``max(z, 0)``, 'leaky_relu'
        (slope 0.01 below 0), 'elu', 'selu', 'gelu' ``z Phi(z)`` (exact, with
        the normal distribution function), 'silu' ``z / (1 + exp(-z))``,
        'softplus' ``log(1 + exp(z))`` or 'mish' ``z tanh(softplus(z))``.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        How the weights are optimised: full-batch L-BFGS-B (scipy),
        minibatch gradient descent with momentum, or Adam. L-BFGS often
        converges faster and better on small data sets.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / (2 S) * sum ||W||**2`` on the
        weights (not the intercepts), ``S`` being the batch's total sample
        weight (its size when unweighted).

    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' means
        ``min(200, n_samples)``. ``batch_size=1`` is pure online learning.
        Larger values than the sample count are clipped, with a warning.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine', \
            'one_cycle'}, default='constant'
        Step-size schedule. For ``solver='sgd'``, as in scikit-learn:
        constant ``learning_rate_init``; ``learning_rate_init / (t +
        1)**power_t`` after each epoch, ``t`` counting the samples seen; or
        divided by 5 each time ``n_iter_no_change`` epochs fail to improve
        by ``tol``. Adam keeps a constant rate under 'invscaling' and
        'adaptive', as scikit-learn's does. For both 'sgd' and 'adam', per
        batch over the ``max_iter`` epochs' steps: 'cosine' decays from
        ``learning_rate_init`` to 0 along half a cosine, after an optional
        linear warm-up from 0; 'one_cycle' warms up linearly from
        ``learning_rate_init / 25`` then anneals along a cosine to
        ``learning_rate_init / 250000``. See ``warmup_fraction``; partial_fit
        and warm starts continue a schedule (see the user guide). 'cosine'
        and 'one_cycle' plan the whole run over ``max_iter`` epochs: a fit
        that runs them to their end raises no ``ConvergenceWarning`` (the
        other schedules warn at ``max_iter``, as scikit-learn's do).

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or of iterations
        (L-BFGS).

    shuffle : bool, default=True
        Whether to reshuffle the samples before each epoch ('sgd', 'adam').

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the validation
        split. An int gives bit-identical weights from run to run at a fixed
        BLAS thread count.

    tol : float, default=1e-4
        Improvement in the training loss (or validation score) that counts as
        progress; L-BFGS uses it as its projected-gradient tolerance.

    verbose : bool, default=False
        Print a line after each epoch (L-BFGS iteration): its number, the
        training loss, the validation loss and score when there is
        validation data, and the time since fit began.

    warm_start : bool, default=False
        Continue from the previous fit's weights *and optimizer state*
        (velocity, Adam moments and step count, decayed learning rate).

    momentum : float, default=0.9
        Momentum of 'sgd', between 0 and 1.

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with 'sgd' when ``momentum > 0``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        single-output classification), stop when its score stops improving
        and restore the weights with the best validation score.

    validation_fraction : float, default=0.1
        Fraction held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability term.

    n_iter_no_change : int, default=10
        Number of epochs without ``tol`` improvement before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of L-BFGS.

    dropout : float or sequence of float, default=0.0
        Rate at which each hidden layer's units are dropped during training
        (inverted dropout: the kept ones are scaled by ``1 / (1 - rate)``),
        one rate for every hidden layer or one per hidden layer, in [0, 1).
        Masks are drawn from ``random_state`` (same seed, same masks);
        predictions use the whole network. Needs 'sgd' or 'adam'.

    scoring : str, callable or None, default=None
        What early stopping stops on, and what ``validation_scores_``
        records: None, the estimator's ``score`` (accuracy or R^2, as in
        scikit-learn); 'loss', the validation loss (the estimator's ``score``
        is still recorded); or a scikit-learn scorer, by name (e.g.
        'roc_auc') or as a callable ``scorer(estimator, X, y)``.

    weight_decay : float, default=0.0
        Decoupled weight decay (AdamW, SGDW): before each step the weights
        (not the intercepts) shrink by the factor ``1 - eta * weight_decay``,
        ``eta`` the scheduled learning rate. Unlike ``alpha``, it does not
        enter the loss or Adam's moments. 'sgd' and 'adam' only.

    max_grad_norm : float or None, default=None
        Clip the gradient by its global norm: a gradient ``g`` with
        ``||g|| > max_grad_norm`` is used as ``g * max_grad_norm / ||g||``.
        'sgd' and 'adam' only; None does not clip.

    warmup_fraction : float or None, default=None
        Share of the schedule's steps spent warming up, in [0, 1), for
        ``learning_rate`` 'cosine' and 'one_cycle'; None means 0 for
        'cosine' and 0.3 for 'one_cycle'.
"""

ATTRIBUTES = """
    loss_ : float
        Loss at the end of training: for the stochastic solvers the mean of
        the last epoch's batch losses (weighted by their sample weight), for
        L-BFGS the final full-batch loss. Penalty included. It is exactly the
        function whose gradient the solver follows, for any number of outputs.

    best_loss_ : float or None
        Lowest training loss reached by a stochastic solver; None with
        ``early_stopping=True`` or for L-BFGS.

    loss_curve_ : list of float
        Loss after each epoch (stochastic solvers) or iteration (L-BFGS),
        over all warm-started fits.

    validation_scores_ : list of float or None
        Score on the validation set (``X_val`` or the early-stopping split)
        after each epoch or L-BFGS iteration, by ``scoring``; None without
        validation data.

    validation_loss_curve_ : list of float or None
        Loss on the validation set after each epoch or L-BFGS iteration:
        the function ``loss_`` reports, without the penalty. None without
        validation data.

    best_validation_score_ : float or None
        With early stopping, the validation score of the epoch whose weights
        were kept (the best of ``validation_scores_``, unless
        ``scoring='loss'``).

    best_iteration_ : int or None
        With early stopping, the epoch whose weights were kept, counted as
        ``loss_curve_`` counts (from 1); None otherwise.

    t_ : int
        Number of training samples the stochastic solvers have seen.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix between layers i and i + 1. These
        are views into one flat parameter vector: editing them in place, or
        assigning a new array of the same shape to an entry, changes the
        model.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer i + 1 (views, as
        ``coefs_``).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when X had string column names.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.
"""

NOTES = """
    Training minimises, over minibatches B with sample weights s_i and
    ``S = sum_{i in B} s_i``::

        E(W) = (1/S) sum_{i in B} s_i error(y_i, z_i) + alpha/(2S) sum_k ||W_k||^2

    Backpropagation gives its exact gradient: the output error is
    ``delta_L = (s/S) d error / d z_L``, which is ``(s/S) (y_hat - y)`` for
    every loss paired with its canonical link (squared error, Poisson and
    the log-losses), each hidden layer's is ``delta_k = (delta_{k+1}
    W_{k+1}^T) * f'(z_k)`` (times the dropout mask, when training with
    dropout), and ``grad W_k = a_{k-1}^T delta_k + (alpha/S) W_k``. The
    derivation, step by step, is in the user guide.
"""


def tabular(kind, activation, bins, task_parameters, task_attributes):
    """The docstring of a tabular estimator (kind: 'Classifier' or 'Regressor')."""
    return f"""{kind} for tables: a raw DataFrame in, preprocessing and a network inside.

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

    Parameters
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

    early_stopping : bool, default=True
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

    scaling : {{'robust', 'standard'}} or None, default='robust'
        Scaling of numeric columns (see :class:`~skbp.TabularPreprocessor`).

    clip : float or None, default=3.0
        Bound of the smooth clipping of scaled numbers; None switches it off.

    bins : int or None, default={bins}
        Piecewise-linear encoding of each numeric column over this many
        quantile bins, beside its scaled value; None switches it off.

    max_categories : int, default=20
        Most one-hot columns per categorical column.

    id_columns : {{'drop', 'keep'}}, default='drop'
        What becomes of a column that looks like a row identifier (text
        with nearly one value per row, or distinct integers that nearly fill
        their range; see :class:`~skbp.TabularPreprocessor`): 'drop' leaves
        it out with a warning naming it, 'keep' treats it as any column.

    dtype : {{'float32', 'float64'}}, default='float32'
        Precision of the network; float32 trains about 1.6 times faster.
        float32 input always gives a float32 network.

    random_state : int, RandomState instance or None, default=None
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

    Attributes
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


TABULAR_CLASSIFIER = tabular(
    "Classifier",
    "selu",
    None,
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
