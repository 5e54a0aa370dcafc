"""Prints, for each data set of a file of lines 'set score label', one line with auROC, average
precision and recall at 10 % and 50 % FDR as scikit-learn and ENCODE-DREAM's scorer compute them,
and the Davis-Goadrich auPRC of davis_goadrich.py (the independent re-implementation)."""
import sys

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

from davis_goadrich import auc_davis_goadrich


def recall_at_fdr(y_true, y_score, fdr_cutoff=0.05):
    # ENCODE-DREAM's scoring code (score.py of the challenge), verbatim.
    precision, recall, thresholds = precision_recall_curve(y_true, y_score)
    fdr = 1 - precision
    cutoff_index = next(i for i, x in enumerate(fdr) if x <= fdr_cutoff)
    return recall[cutoff_index]


data = np.loadtxt(sys.argv[1], ndmin=2)
for s in np.unique(data[:, 0]):
    rows = data[data[:, 0] == s]
    scores, labels = rows[:, 1], rows[:, 2].astype(int)
    print(int(s), repr(float(roc_auc_score(labels, scores))),
          repr(float(average_precision_score(labels, scores))),
          repr(float(recall_at_fdr(labels, scores, 0.10))), repr(float(recall_at_fdr(labels, scores, 0.50))),
          repr(float(auc_davis_goadrich(list(scores), list(labels)))))
