//! End-to-end tests of the planner binary.
