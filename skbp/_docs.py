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
