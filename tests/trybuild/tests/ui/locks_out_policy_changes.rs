use ecr_policy::policy;

fn main() {
    let _ = policy! {
        account "123456789012";
        allow role "ci" push, pull on repo;
        deny anyone except role "ci" in account "210987654321" policy on repo
    };
}
