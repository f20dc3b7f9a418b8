import { defineMessages } from "../define";

export const errors = defineMessages({
  ko: {
    required: "필수 항목입니다.",
    invalid: "올바른 값이 아닙니다.",
    invalidEmail: "이메일 주소 형식이 올바르지 않습니다.",
    tooShort: "너무 짧습니다.",
    tooLong: "너무 깁니다.",
    invalidNumber: "0 이상의 정수(숫자)만 입력할 수 있습니다.",
    numberTooLarge: "허용된 최댓값을 넘었습니다.",
    invalidAmount: "금액은 1원 이상의 정수로 입력해 주세요.",
    invalidDate: "날짜는 YYYY-MM-DD 형식의 실제 날짜여야 합니다.",
    invalidChoice: "목록에서 선택해 주세요.",
    passwordTooShort: "비밀번호는 10자 이상이어야 합니다.",
    passwordsDiffer: "비밀번호가 서로 다릅니다.",
    emailTaken: "이미 가입된 이메일입니다. 로그인하거나 비밀번호를 재설정하세요.",
    invalidCredentials: "이메일 또는 비밀번호가 올바르지 않습니다.",
    tooManyAttempts: "로그인 시도가 너무 많습니다. 15분 후에 다시 시도하세요.",
    resetLinkInvalid: "비밀번호 재설정 링크가 만료되었거나 이미 사용되었습니다. 다시 요청해 주세요.",
    registrationNumberFormat: "사업자등록번호는 000-00-00000 형식의 유효한 번호여야 합니다.",
    registrationNumberTaken: "이미 등록된 사업자등록번호입니다.",
    vulnerableExceedsEmployees: "취약계층 고용 인원은 전체 고용 인원보다 많을 수 없습니다.",
    invitationInvalid: "초대 링크가 만료되었거나 이미 사용되었습니다.",
    invitationOtherEmail: "이 초대는 다른 이메일 주소로 발송되었습니다. 초대받은 계정으로 로그인하세요.",
    alreadyMember: "이미 이 기업의 구성원입니다.",
    userNotFound: "해당 이메일로 가입한 사용자가 없습니다.",
    cannotRemoveLastOwner: "마지막 대표 관리자는 제외할 수 없습니다.",
    notAllowed: "이 작업을 할 권한이 없습니다.",
  },
  en: {
    required: "This field is required.",
    invalid: "This value is not valid.",
    invalidEmail: "Enter a valid e-mail address.",
    tooShort: "Too short.",
    tooLong: "Too long.",
    invalidNumber: "Enter a whole number of 0 or more.",
    numberTooLarge: "This is above the allowed maximum.",
    invalidAmount: "Enter an amount in whole won, 1 or more.",
    invalidDate: "Enter a real date as YYYY-MM-DD.",
    invalidChoice: "Choose one of the options.",
    passwordTooShort: "Passwords need at least 10 characters.",
    passwordsDiffer: "The passwords do not match.",
    emailTaken: "This e-mail is already registered. Log in or reset your password.",
    invalidCredentials: "The e-mail or password is not correct.",
    tooManyAttempts: "Too many log-in attempts. Try again in 15 minutes.",
    resetLinkInvalid: "This reset link has expired or was already used. Please request a new one.",
    registrationNumberFormat: "Enter a valid business registration number (000-00-00000).",
    registrationNumberTaken: "This business registration number is already registered.",
    vulnerableExceedsEmployees: "Employees from vulnerable groups cannot exceed total employees.",
    invitationInvalid: "This invitation has expired or was already used.",
    invitationOtherEmail: "This invitation was sent to another e-mail address. Log in with the invited account.",
    alreadyMember: "You are already a member of this enterprise.",
    userNotFound: "No user is registered with that e-mail.",
    cannotRemoveLastOwner: "The last owner cannot be removed.",
    notAllowed: "You are not allowed to do this.",
  },
});

export type ErrorKey = keyof typeof errors.ko;

export function isErrorKey(value: string): value is ErrorKey {
  return Object.hasOwn(errors.ko, value);
}
