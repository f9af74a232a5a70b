//! Rules that only report: each looks at the whole file after the families
//! have decided on their calls (`decided`: the byte ranges of those calls).

pub mod action_data;
pub mod reexports;
pub mod test_mocks;
pub mod token_options;
