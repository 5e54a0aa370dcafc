"""Area under the precision-recall curve with Davis & Goadrich's interpolation.

Written from Davis J, Goadrich M. "The relationship between precision-recall and ROC curves",
ICML 2006, section 4 ("Interpolation and AUC"), independently of regbert's Java code, for the
tests to check it against. Conventions (those of R PRROC's pr.curve()$auc.davis.goadrich, which
ENCODE-DREAM's scorer reported as auPRC):

* one point of the curve per distinct score threshold t, calling positive every item scoring >= t
  (tied scores enter together);
* between consecutive points A and B with TP_B > TP_A, the curve passes through
  TP = TP_A + x, FP = FP_A + x * (FP_B - FP_A) / (TP_B - TP_A) for x = 1 .. TP_B - TP_A
  (false positives spread evenly over the true positives gained); recall = TP / P,
  precision = TP / (TP + FP). When TP_B = TP_A the curve drops to B at the same recall;
* the curve starts at recall 0 with the precision of the first point;
* the area is the trapezoid rule over all these points, in order of increasing recall.
"""


def confusion_points(scores, labels):
    """(TP, FP) at each distinct threshold, highest first."""
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    points = []
    tp = fp = 0
    for i, (score, label) in enumerate(pairs):
        if label == 1:
            tp += 1
        else:
            fp += 1
        last_of_tie = i + 1 == len(pairs) or pairs[i + 1][0] != score
        if last_of_tie:
            points.append((tp, fp))
    return points


def interpolated_curve(points, positives):
    """(recall, precision) points of the interpolated curve, from recall 0."""
    curve = []
    tp_a, fp_a = 0, 0
    for tp_b, fp_b in points:
        if tp_b == tp_a:
            curve.append((tp_b / positives, tp_b / (tp_b + fp_b)))
        else:
            skew = (fp_b - fp_a) / (tp_b - tp_a)
            for x in range(1, tp_b - tp_a + 1):
                tp, fp = tp_a + x, fp_a + skew * x
                curve.append((tp / positives, tp / (tp + fp)))
        tp_a, fp_a = tp_b, fp_b
    first_tp, first_fp = points[0]
    return [(0.0, first_tp / (first_tp + first_fp))] + curve


def auc_davis_goadrich(scores, labels):
    positives = sum(1 for y in labels if y == 1)
    curve = interpolated_curve(confusion_points(scores, labels), positives)
    area = 0.0
    for (r0, p0), (r1, p1) in zip(curve, curve[1:]):
        area += (r1 - r0) * (p0 + p1) / 2
    return area
