//! Snapshots of the views, rendered with fixed data: review a changed one with
//! `cargo insta review` (cargo install cargo-insta) before accepting it.

use serde_json::json;

fn check(view: &str, snapshot: &str, context: serde_json::Value) {
    insta::assert_snapshot!(snapshot, << crate_name >>::views::render(view, &context));
}

[% for test in view_tests %]

#[test]
fn << test.name >>() {
    check("<< test.view >>", "<< test.name >>", json!(<< test.context >>));
}
[% endfor %]
// rtux:view-tests (rtux gen adds view tests above this line)
