export {
  CapabilityNameField,
  capabilityNameValidation,
} from './CapabilityNameField';
