//===- EnumOption.h - Enumerated pass options from one table ----*- C++ -*-===//
//
// Part of bf16-opt. An enumerated option is declared once, as an X-macro
// table of (enumerator, spelling, help). From it come the enum, its
// spelling for diagnostics (`stringify`) and the `llvm::cl::values` that
// ODS pass options and pipeline options pass to the option parser, which is
// then the one place a bad value is rejected (with the parser's message).
//
//   #define MY_ENUM(X) X(A, "a", "help of a") X(B, "b", "help of b")
//   BF16_ENUM_OPTION(MyEnum, MY_ENUM)
//
// defines `enum class MyEnum { A, B }`, `llvm::StringRef stringify(MyEnum)`,
// `std::optional<MyEnum> symbolizeMyEnum(StringRef)`, the spellings in order
// (`spellings(MyEnum{})`) and `llvm::cl::ValuesClass clValues(MyEnum)` (the
// argument only selects the overload; pass any value, e.g. `MyEnum{}`).
//
//===----------------------------------------------------------------------===//

#ifndef BF16_SUPPORT_ENUMOPTION_H
#define BF16_SUPPORT_ENUMOPTION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"

#include <optional>

#define BF16_ENUM_OPTION_ENUMERATOR(name, spelling, help) name,
#define BF16_ENUM_OPTION_CASE(name, spelling, help)                            \
  case EnumT::name:                                                            \
    return spelling;
#define BF16_ENUM_OPTION_VALUE(name, spelling, help)                           \
  llvm::cl::OptionEnumValue{spelling, static_cast<int>(EnumT::name), help},
#define BF16_ENUM_OPTION_SYMBOL(name, spelling, help)                          \
  if (text == spelling)                                                        \
    return EnumT::name;
#define BF16_ENUM_OPTION_LIST(name, spelling, help) spelling,

#define BF16_ENUM_OPTION(Enum, TABLE)                                          \
  enum class Enum { TABLE(BF16_ENUM_OPTION_ENUMERATOR) };                      \
  inline llvm::StringRef stringify(Enum value) {                               \
    using EnumT = Enum;                                                        \
    switch (value) { TABLE(BF16_ENUM_OPTION_CASE) }                            \
    llvm_unreachable("invalid " #Enum);                                        \
  }                                                                            \
  inline llvm::cl::ValuesClass clValues(Enum) {                                \
    using EnumT = Enum;                                                        \
    return llvm::cl::ValuesClass({TABLE(BF16_ENUM_OPTION_VALUE)});             \
  }                                                                            \
  inline std::optional<Enum> symbolize##Enum(llvm::StringRef text) {           \
    using EnumT = Enum;                                                        \
    TABLE(BF16_ENUM_OPTION_SYMBOL)                                             \
    return std::nullopt;                                                       \
  }                                                                            \
  inline llvm::ArrayRef<llvm::StringLiteral> spellings(Enum) {                 \
    static const llvm::StringLiteral all[] = {TABLE(BF16_ENUM_OPTION_LIST)};   \
    return all;                                                                \
  }

#endif // BF16_SUPPORT_ENUMOPTION_H
