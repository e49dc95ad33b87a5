go test fuzz v1
[]byte("{\"@odata.context\":\"http://127.0.0.1:34567/v1.0/$metadata#user/$entity\",\"accountEnabled\":true,\"assignedLicenses\":[{\"disabledPlans\":[],\"skuId\":\"06ebc4ee-1bb5-47dd-8120-11324bc54e06\"}],\"displayName\":\"Carol Martinez\",\"id\":\"ed1c57a2-db37-4f33-8e2e-51c01bc77692\",\"usageLocation\":\"US\",\"userPrincipalName\":\"carol@contoso.com\"}")
uint16(200)
