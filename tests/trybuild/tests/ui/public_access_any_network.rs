use ecr_policy::policy;

fn main() {
    // Every IPv4 address leaves IPv6 and VPC endpoints open, and the internet is in it.
    let _ = policy! {
        allow anyone pull on repo when source_ip "0.0.0.0/0"
    };
}
