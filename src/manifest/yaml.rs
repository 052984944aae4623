//! YAML text to a spanned [`super::tree::Node`] tree, with limits.
