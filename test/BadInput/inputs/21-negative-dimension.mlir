func.func @f(%t: tensor<-4xf32>) -> tensor<-4xbf16> {
  %a = lowp.round nearest_even %t : (tensor<-4xf32>) -> tensor<-4xbf16>
  return %a : tensor<-4xbf16>
}
