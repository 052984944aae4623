//! Labels and label selectors (apimachinery `labels` and `metav1.LabelSelector`).
