use ecr_policy::policy;

fn main() {
    let _ = policy! {
        deny anyone all on repo
            unless source_ip "203.0.113.0/24" and org "o-a1b2c3d4e5"
    };
}
