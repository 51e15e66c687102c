use ecr_policy::policy;

fn main() {
    let _ = policy! { allow anyone pull on repo unless StringEquals "aws:PrincipalOrgID" "o-a1b2c3d4e5" };
}
