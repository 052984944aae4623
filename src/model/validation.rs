//! Name and label validation with apimachinery's own messages.
