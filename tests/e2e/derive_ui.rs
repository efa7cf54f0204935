//! The derives' compile-time rules: every file in `ui/` must fail to build,
//! with exactly the errors of its `.stderr` (one per mistake, spanned at the
//! attribute, saying the rule and the fix). `TRYBUILD=overwrite` rewrites the
//! `.stderr` files; review them like code.

#[test]
fn each_rule_is_a_spanned_compile_error() {
    trybuild::TestCases::new().compile_fail("ui/*.rs");
}
