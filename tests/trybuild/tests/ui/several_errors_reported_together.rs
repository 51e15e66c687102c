use ecr_policy::policy;

fn main() {
    let _ = policy! {
        account "12345";
        sid "A" allow user "fcj ecr user" psh on repo;
        sid "B" allow rol "deployer" pull on repo;
        sid "C" allow service "lambda.amazonaws.com" pull on repo when source_account "1"
    };
}
