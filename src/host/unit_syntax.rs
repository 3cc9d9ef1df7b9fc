//! (in progress: issue #13)
