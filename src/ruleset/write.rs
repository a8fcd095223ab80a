//! Writers of a [`Plan`](super::plan::Plan): NSG JSON, a firewall policy rule collection group
//! as JSON, az commands, Bicep and Terraform, and single-rule fixes in each input format.
