use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone pull on repo when NumericLessThan "aws:MultiFactorAuthAge" "infinity" };
}
