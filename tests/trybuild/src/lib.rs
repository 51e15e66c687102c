//! Holds only the programs trybuild compiles (`tests/`).
